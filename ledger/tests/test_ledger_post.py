"""X5: the journal is double entry, append-only, and a prepaid balance never goes below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import BusinessError
from core.money import Money
from ledger.checks import ledger_problems
from ledger.models import Account, AccountKind, AppendOnlyError, Entry, Transaction
from ledger.services import (
    LedgerError,
    account_balance,
    account_prepaid,
    account_system,
    ledger_post,
)
from testsupport.cast import OrganizationFactory
from testsupport.money import prepaid_credit_confirmed

pytestmark = pytest.mark.django_db


def chf(amount: str) -> Money:
    return Money(Decimal(amount), "CHF")


@pytest.fixture
def org():
    return OrganizationFactory(country="CH")


def post(org, amount: str, key: str = "k1"):
    return ledger_post(
        kind="prepaid_credit",
        description="test",
        idempotency_key=key,
        organization=org,
        postings=[
            (
                account_system(kind=AccountKind.CLEARING, currency="CHF", provider="card"),
                -chf(amount),
            ),
            (account_prepaid(organization=org, currency="CHF"), chf(amount)),
        ],
    )


def test_it_records_a_balanced_transaction_and_caches_the_balance(org):
    post(org, "25.50")
    account = account_prepaid(organization=org, currency="CHF")
    assert account.balance == Decimal("25.50")
    assert sum(e.amount for e in Entry.objects.all()) == 0
    assert Entry.objects.get(account=account).balance_after == Decimal("25.50")


def test_a_shared_system_account_caches_nothing_and_its_balance_is_its_entries(org):
    post(org, "25.50")
    post(org, "4.50", key="k2")
    clearing = account_system(kind=AccountKind.CLEARING, currency="CHF", provider="card")
    assert clearing.balance is None
    assert list(Entry.objects.filter(account=clearing).values_list("balance_after", flat=True)) == [
        None,
        None,
    ]
    assert account_balance(clearing) == chf("-30.00")
    assert account_balance(account_prepaid(organization=org, currency="CHF")) == chf("30.00")


def test_a_system_account_cannot_cache_a_balance(org):
    from django.db import IntegrityError, transaction

    account = account_system(kind=AccountKind.REVENUE, currency="CHF")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=Decimal(0))


def test_ledger_check_fails_on_a_running_balance_on_a_system_account(org, ledger_may_break):
    tx = post(org, "5")
    clearing = account_system(kind=AccountKind.CLEARING, currency="CHF", provider="card")
    prepaid = account_prepaid(organization=org, currency="CHF")
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=clearing, amount=-1, currency="CHF", balance_after=-6),
            Entry(transaction=tx, account=prepaid, amount=1, currency="CHF", balance_after=6),
        ]
    )
    Account.objects.filter(pk=prepaid.pk).update(balance=Decimal(6))
    problems = ledger_problems()
    assert problems == [
        f"entry {Entry.objects.order_by('pk')[2].pk} of system account "
        f"{clearing.pk} records a balance"
    ]


def test_the_same_key_posts_once(org):
    first = post(org, "10")
    second = post(org, "10")
    assert first.pk == second.pk
    assert account_prepaid(organization=org, currency="CHF").balance == Decimal("10.00")


def test_it_refuses_an_unbalanced_transaction(org):
    with pytest.raises(LedgerError):
        ledger_post(
            kind="prepaid_credit",
            description="bad",
            idempotency_key="bad",
            postings=[(account_prepaid(organization=org, currency="CHF"), chf("1"))],
        )
    assert not Transaction.objects.exists()


def test_it_refuses_a_currency_that_is_not_the_accounts(org):
    with pytest.raises(LedgerError):
        ledger_post(
            kind="prepaid_credit",
            description="bad",
            idempotency_key="bad",
            postings=[
                (account_prepaid(organization=org, currency="CHF"), Money(Decimal(1), "EUR")),
                (account_system(kind=AccountKind.REVENUE, currency="CHF"), -chf("1")),
            ],
        )


def test_a_prepaid_balance_never_goes_below_zero(org):
    post(org, "5")
    with pytest.raises(BusinessError) as error:
        post(org, "-5.01", key="k2")
    assert error.value.code == "insufficient_balance"
    assert account_prepaid(organization=org, currency="CHF").balance == Decimal("5.00")
    assert Transaction.objects.count() == 1


def test_entries_and_transactions_are_append_only(org):
    tx = post(org, "5")
    entry = Entry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.update(amount=1)
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        tx.save()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.filter(pk=tx.pk).delete()


def test_ledger_check_is_clean_after_real_postings(org):
    prepaid_credit_confirmed(org, "100")
    call_command("ledger_check")


def test_ledger_check_fails_on_a_tampered_balance(org, ledger_may_break):
    post(org, "5")
    Account.objects.filter(kind=AccountKind.PREPAID).update(balance=Decimal("6"))
    with pytest.raises(CommandError):
        call_command("ledger_check")


def test_ledger_check_fails_on_an_unbalanced_transaction(org, ledger_may_break):
    tx = post(org, "5")
    account = account_system(kind=AccountKind.REVENUE, currency="CHF")
    # Bypass the service on purpose: bulk_create is the only way in.
    Entry.objects.bulk_create(
        [
            Entry(
                transaction=tx,
                account=account,
                amount=Decimal("1"),
                currency="CHF",
                balance_after=1,
            )
        ]
    )
    with pytest.raises(CommandError):
        call_command("ledger_check")


def test_ledger_check_finds_a_wrong_running_balance_and_a_dip_below_zero(org, ledger_may_break):
    """X5: each prepaid entry's running balance is the sum of the entries up to it."""
    tx = post(org, "5")
    clearing = account_system(kind=AccountKind.CLEARING, currency="CHF", provider="card")
    prepaid = account_prepaid(organization=org, currency="CHF")
    Entry.objects.bulk_create(
        [
            Entry(transaction=tx, account=clearing, amount=Decimal("7.25"), currency="CHF"),
            Entry(
                transaction=tx,
                account=prepaid,
                amount=Decimal("-7.25"),
                currency="CHF",
                balance_after=Decimal("-2.00"),
            ),
        ]
    )
    Account.objects.filter(pk=prepaid.pk).update(balance=Decimal("0.10"))
    entry = Entry.objects.filter(account=prepaid).order_by("pk").last()
    assert entry is not None
    assert ledger_problems() == [
        f"entry {entry.pk} of account {prepaid.pk} records a balance of -2.00, "
        "the entries up to it sum to -2.25",
        f"prepaid account {prepaid.pk} went below zero at entry {entry.pk}",
        f"account {prepaid.pk} ({prepaid}) caches 0.10, its entries sum to -2.25",
    ]


def test_ledger_check_finds_a_transaction_without_entries(org, ledger_may_break):
    lonely = Transaction.objects.create(
        kind="prepaid_credit", description="test", idempotency_key="lonely"
    )
    assert ledger_problems() == [f"transaction {lonely.pk} has no entries"]


def test_ledger_check_sums_in_the_database_with_a_fixed_number_of_queries(
    org, django_assert_max_num_queries
):
    """Issue 9: the entries are summed by the database; only breaches reach Python."""
    for n in range(20):
        post(org, "1.10", key=f"k{n}")
    with django_assert_max_num_queries(9) as captured:
        assert ledger_problems() == []
    assert any("OVER" in q["sql"] for q in captured.captured_queries)
