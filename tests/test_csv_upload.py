"""The playground's CSV upload parser: data only (never unpickled), clear reasons for bad files; and the
points picked on its chart."""
import io
import pickle
import zipfile

import pytest

from gantoy import presets
from gantoy.config import ConfigError
from gantoy.lessons.inputs import MAX_UPLOAD_BYTES, csv_points, picked_points


class Upload:
    """Stands in for Streamlit's UploadedFile (getvalue() -> bytes)."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def getvalue(self):
        return self.raw


def _zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # a fixed date: the bytes (and so the test's id) must not change with the clock
        z.writestr(zipfile.ZipInfo("points.csv", date_time=(2026, 1, 1, 0, 0, 0)), "x,y\n1,2\n3,4\n")
    return buf.getvalue()


@pytest.mark.parametrize("raw,fragment", [
    (pickle.dumps({"x": [1, 2]}), "binary, zip or pickle"),
    (pickle.dumps([1, 2], protocol=2), "binary, zip or pickle"),
    (_zip(), "binary, zip or pickle"),
    ("x,y\n1,2\n3,4\n".encode("utf-16"), "binary, zip or pickle"),   # NUL bytes
    (b"x,y\n1,2\n\xff\xfe,3\n", "not UTF-8"),
    (b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4 + 10), "limit is 10 MB"),
    (b"x,y\n" + b"1,2\n" * 100_001, "at most 100000 points"),
    (b"", "cannot read it as CSV"),
    (b"x,y\n1,nan\n2,3\n", "empty, NaN or infinite"),
    (b"x,y\n1,2\n5000,3\n", "within [-1000, 1000]"),
])
def test_bad_uploads_are_refused_with_a_reason(raw, fragment):
    pts, err = csv_points(Upload(raw), 2)
    if err is None:  # the coordinates' range is the config's to check, as in the playground
        with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
            presets.get("ring8").with_sets({"data.name": "custom", "data.points": pts})
    else:
        assert pts is None and fragment in err, err


def test_a_good_upload():
    pts, err = csv_points(Upload(b"X, Y\n0,0\n1,1\n2,0.5\n"), 2)
    assert err is None and pts == [[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]]


def test_picked_points_read_one_curve_in_order_without_repeats():
    ev = {"selection": {"points": [{"x": 1, "y": 2, "curve_number": 0}, {"x": 5, "y": 5, "curve_number": 1},
                                   {"x": 1, "y": 2, "curve_number": 0}, {"x": -0.5, "y": 3.25, "curve_number": 0}]}}
    assert picked_points(ev) == [[1.0, 2.0], [-0.5, 3.25]]
    assert picked_points(ev, curve=1) == [[5.0, 5.0]]
    assert picked_points(None) == [] and picked_points({"selection": {"points": []}}) == []
