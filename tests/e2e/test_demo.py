import io

from warroom.demo import run_demo


def test_demo_declares_an_incident_and_shows_the_channel():
    out = io.StringIO()
    assert run_demo(out=out) == 0
    shown = out.getvalue()
    assert "raj types: /incident declare sev1 Payments failing" in shown
    assert "Declaring INC-1 (SEV1)" in shown
    assert "===== #inc-1-payments-failing =====" in shown
    assert "INC-1: PAYMENTS FAILING" in shown
    assert "(pinned)" in shown
    assert "===== #incidents =====" in shown
