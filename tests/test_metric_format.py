"""How the metric column writes a number (measure/glossary.fmt): short enough for its half-column at 1280×720."""
import math

from gantoy.measure.glossary import fmt


def test_numbers_are_written_as_narrow_as_four_decimals():
    assert [fmt(v) for v in (0.6922, -0.2639, 0.0, 1.5)] == ["0.6922", "-0.2639", "0.0000", "1.5000"]
    # below 1e-3: two significant digits and a short exponent ("-3.57e-05" was cut to "-3.57e…" on a projector)
    assert [fmt(v) for v in (-3.57e-5, 4.2e-4, 1e-12, -9.96e-4)] == ["-3.6e-5", "4.2e-4", "1.0e-12", "-1.0e-3"]
    assert all(len(fmt(v)) <= len("-0.2639") for v in (-3.57e-5, -9.96e-4, 2.2e-7))
    assert fmt(math.inf) == "∞" and fmt(math.nan) == "—"
