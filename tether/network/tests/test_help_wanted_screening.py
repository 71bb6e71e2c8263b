""" "What would you like help with?" is screened: crisis words get the crisis lines instead of
"your care team will see this before your call", and an alert quoting them."""

from tether.crisis.models import RiskAlert, ScreenedText

URL = "/me/support/help-wanted/"
CRISIS_TEXT = "saving up my pills, plan to take them all this weekend"
ORDINARY = "Sleeping properly again, and going back to work without dreading Mondays."


def test_crisis_words_show_help_first_and_are_saved(client, people):
    client.force_login(people.patient.user)

    response = client.post(URL, {"text": CRISIS_TEXT})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="crisis-resources"') < page.index("<main")
    assert "before your call" not in page
    assert "Your words are saved" in page and CRISIS_TEXT in page
    people.patient.refresh_from_db()
    assert people.patient.help_wanted == CRISIS_TEXT
    alert = RiskAlert.objects.get(patient=people.patient)
    assert CRISIS_TEXT in alert.detail and alert.raised_by == people.patient.user
    assert ScreenedText.objects.get().route == ScreenedText.Route.HELP_WANTED


def test_ordinary_words_get_the_ordinary_reply(client, people):
    client.force_login(people.patient.user)

    response = client.post(URL, {"text": ORDINARY}, follow=True)

    assert "Your care team will see this before your call." in response.content.decode()
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()


def test_saving_the_same_words_again_raises_nothing_new(client, people):
    client.force_login(people.patient.user)
    client.post(URL, {"text": CRISIS_TEXT})
    client.post(URL, {"text": CRISIS_TEXT})
    assert ScreenedText.objects.count() == 1


def test_too_long_is_refused_and_nothing_is_saved(client, people):
    client.force_login(people.patient.user)
    response = client.post(URL, {"text": CRISIS_TEXT + "x" * 2000})
    assert response.status_code == 400
    assert not RiskAlert.objects.exists() and not ScreenedText.objects.exists()
