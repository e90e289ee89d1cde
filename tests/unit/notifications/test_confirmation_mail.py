"""The support confirmation mail: German, both links, and nothing that asks the reader to reply."""
from services.notifications.confirmations import support_confirmation

CONFIRM = "http://ideas.test/api/v1/supports/confirm?token=abc.def"
WITHDRAW = "http://ideas.test/api/v1/supports/withdraw?token=ghi.jkl"


def test_the_mail_names_the_idea_and_carries_both_links_on_lines_of_their_own():
    mail = support_confirmation("Mehr Bänke im Stadtpark", CONFIRM, WITHDRAW)
    assert mail.subject == "Bitte bestätigen Sie Ihre Unterstützung: Mehr Bänke im Stadtpark"
    lines = mail.body.splitlines()
    assert CONFIRM in lines and WITHDRAW in lines
    assert lines.index(CONFIRM) < lines.index(WITHDRAW)
    assert "„Mehr Bänke im Stadtpark“" in mail.body
