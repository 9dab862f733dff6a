"""core.env: settings come from the environment and bad values fail loudly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_choice, env_int, env_list, env_str


def test_a_required_string_without_value_fails(monkeypatch):
    monkeypatch.delenv("GESTOR_TEST_VALUE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="GESTOR_TEST_VALUE is required"):
        env_str("GESTOR_TEST_VALUE")


def test_a_string_falls_back_to_its_default_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("GESTOR_TEST_VALUE", raising=False)
    assert env_str("GESTOR_TEST_VALUE", "fallback") == "fallback"
    monkeypatch.setenv("GESTOR_TEST_VALUE", "set")
    assert env_str("GESTOR_TEST_VALUE", "fallback") == "set"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " on "])
def test_booleans_accept_the_usual_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("GESTOR_TEST_VALUE", raw)
    assert env_bool("GESTOR_TEST_VALUE", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", ""])
def test_booleans_accept_the_usual_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("GESTOR_TEST_VALUE", raw)
    assert env_bool("GESTOR_TEST_VALUE", True) is False


def test_a_boolean_that_is_not_one_fails_loudly(monkeypatch):
    monkeypatch.setenv("GESTOR_TEST_VALUE", "maybe")
    with pytest.raises(ImproperlyConfigured, match="must be a boolean"):
        env_bool("GESTOR_TEST_VALUE", False)


def test_a_whole_number_is_parsed_and_anything_else_fails_loudly(monkeypatch):
    monkeypatch.setenv("GESTOR_TEST_VALUE", "42")
    assert env_int("GESTOR_TEST_VALUE", 1) == 42
    monkeypatch.setenv("GESTOR_TEST_VALUE", "4.2")
    with pytest.raises(ImproperlyConfigured, match="must be a whole number"):
        env_int("GESTOR_TEST_VALUE", 1)


def test_a_list_is_split_on_commas_without_blanks(monkeypatch):
    monkeypatch.setenv("GESTOR_TEST_VALUE", " a.example, b.example ,,")
    assert env_list("GESTOR_TEST_VALUE", []) == ["a.example", "b.example"]
    monkeypatch.delenv("GESTOR_TEST_VALUE")
    assert env_list("GESTOR_TEST_VALUE", ["default"]) == ["default"]


def test_a_choice_outside_the_allowed_ones_fails_loudly(monkeypatch):
    monkeypatch.setenv("GESTOR_TEST_VALUE", "staging")
    with pytest.raises(ImproperlyConfigured, match="must be one of embedded, production"):
        env_choice("GESTOR_TEST_VALUE", ("embedded", "production"), "embedded")
    monkeypatch.setenv("GESTOR_TEST_VALUE", "production")
    assert env_choice("GESTOR_TEST_VALUE", ("embedded", "production"), "embedded") == "production"
