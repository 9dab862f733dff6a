"""core.mail_backends.EmlFileBackend: in the embedded default every delivered
e-mail is also a .eml file under var/mail/, so a demo user can open its links."""

from __future__ import annotations

from email import message_from_bytes, policy

from django.core.mail import EmailMultiAlternatives, get_connection

from core.mail_backends import EmlFileBackend


def test_each_message_is_written_as_one_eml_file(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    backend = get_connection("core.mail_backends.EmlFileBackend")
    assert isinstance(backend, EmlFileBackend)
    messages = [
        EmailMultiAlternatives("First", "Open http://127.0.0.1:8000/x", to=["a@example.test"]),
        EmailMultiAlternatives("Second", "Body", to=["b@example.test"]),
    ]
    assert backend.send_messages(messages) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {m["Subject"] for m in parsed} == {"First", "Second"}
    first = next(m for m in parsed if m["Subject"] == "First")
    assert first["To"] == "a@example.test"
    assert "http://127.0.0.1:8000/x" in first.get_content()


def test_the_mail_folder_is_created_when_missing(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "does" / "not" / "exist"
    EmlFileBackend().send_messages([EmailMultiAlternatives("S", "B", to=["a@example.test"])])
    assert len(list((tmp_path / "does" / "not" / "exist").glob("*.eml"))) == 1


def test_the_embedded_default_delivers_through_the_eml_backend():
    from gestor import settings as project_settings

    if project_settings.EMAIL_DELIVERY == "eml":
        assert project_settings.EMAIL_BACKEND == "core.mail_backends.EmlFileBackend"
        assert str(project_settings.EMAIL_FILE_PATH).endswith("mail")
