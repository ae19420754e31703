"""The Flee case reader derives exactly Flee's scoring series and refuses broken cases clearly."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from migdip.errors import InputError
from migdip.flows.flee.reader import FleeCase, FleeFormatError, interpolate, read_case
from migdip.paths import data_dir

CASES = Path(os.environ.get("MIGDIP_FLEE_CASES", str(data_dir() / "flee_cases")))
SHARED_SETTINGS = CASES / "simsetting.yml"
WITH_REFERENCE = ("mali2012", "burundi2015")

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"no Flee cases at {CASES}")


def _case(name: str) -> FleeCase:
    return read_case(CASES / name, SHARED_SETTINGS)


def _reference(name: str) -> list[dict[str, str]]:
    with (CASES / name / "flee_reference_out.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _column(rows: list[dict[str, str]], column: str) -> np.ndarray:
    return np.array([float(r[column]) for r in rows])


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of mali2012 to break one thing in."""
    return Path(shutil.copytree(CASES / "mali2012", tmp_path / "mali2012"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- reading the shipped cases ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["mali2012", "burundi2015", "ssudan2013"])
def test_reads_every_shipped_case(name: str) -> None:
    case = _case(name)
    assert case.name == name
    assert case.conflicts.shape == (case.length, len(case.locations))
    assert case.camp_data.shape == (case.length, len(case.camps))
    assert case.total.shape == (case.length,)
    assert set(case.camps) <= {loc.name for loc in case.locations}
    assert case.settings["spawn_rules"]["sum_from_camps"] is True
    assert not case.camp_data.flags.writeable


def test_mali_structure() -> None:
    case = _case("mali2012")
    assert (case.start, case.length) == (dt.date(2012, 2, 29), 300)
    assert case.camps == (
        "Bobo-Dioulasso",
        "Mentao",
        "Fassala-Mbera",
        "Abala",
        "Mangaize",
        "Tabareybarey",
        "Niamey",
    )
    kidal = case.locations[0]
    assert (kidal.name, kidal.kind, kidal.conflict_date, kidal.population) == (
        "Kidal",
        "conflict_zone",
        0,
        25617,
    )
    mopti = case.location_index()["Mopti"]
    assert case.locations[mopti].conflict_date is None
    assert case.routes[0].a == "Douentza" and case.routes[0].distance_km == 487.0
    assert case.closures[0].kind == "country" and case.closures[0].end == 22
    assert case.corrections[0] == ("Fassala-Mbera", dt.date(2012, 12, 31))
    index = case.location_index()
    assert case.conflicts[0, index["Kidal"]] and not case.conflicts[0, index["Gao"]]
    assert case.date_of(0) == case.start


def test_burundi_keeps_other_location_types_and_closure_kinds() -> None:
    case = _case("burundi2015")
    kagunga = case.locations[case.location_index()["Kagunga"]]
    assert kagunga.kind == "forwarding_hub" and kagunga.population is None
    assert [r.forced_redirection for r in case.routes if r.a == "Kagunga"] == [2]
    kinds = [(c.kind, c.name1, c.name2) for c in case.closures]
    assert ("camp", "Nduta", "") in kinds
    assert ("remove_forced_redirection", "Nduta", "Nyarugusu") in kinds
    assert case.locations[case.location_index()["Gisuru"]].region == "Ruyigi"  # stripped


def test_settings_come_from_the_case_then_the_shared_file_then_nothing(broken: Path) -> None:
    assert read_case(broken).settings == {}
    assert read_case(broken, SHARED_SETTINGS).settings["move_rules"]["max_walk_speed"] == 35.0
    (broken / "simsetting.yml").write_text("move_rules:\n  max_walk_speed: 20.0\n")
    assert read_case(broken, SHARED_SETTINGS).settings["move_rules"]["max_walk_speed"] == 20.0


# --- the scoring series reproduce Flee's `data` columns ---------------------------------------


@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_camp_data_reproduces_flee_reference(name: str) -> None:
    """Every `<camp> data` value on every day: required within 1 person; in fact exact."""
    case, rows = _case(name), _reference(name)
    assert len(rows) == case.length
    for j, camp in enumerate(case.camps):
        reference = _column(rows, f"{camp} data")
        assert np.abs(case.camp_data[:, j] - reference).max() <= 1, camp
        assert np.array_equal(case.camp_data[:, j], reference), camp
    assert np.array_equal(case.data_in_camps, _column(rows, "refugees in camps (UNHCR)"))


@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_day_t_is_start_plus_t_and_flee_prints_the_next_date(name: str) -> None:
    case, rows = _case(name), _reference(name)
    for t in (0, 1, case.length - 1):
        assert rows[t]["Day"] == str(t)
        assert rows[t]["Date"] == (case.date_of(t) + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("name", WITH_REFERENCE)
def test_flee_raw_count_is_day0_total_plus_camp_data_not_the_total_series(name: str) -> None:
    """The one column of the reference that `total` does not reproduce, and why.

    With `sum_from_camps`, Flee's `raw UNHCR refugee count` is its spawning bookkeeping: on day 0
    it adds the `total` series AND every camp (it loops over the whole data_layout), then adds
    the camps' daily changes. So it equals total(day 0) + D(t), not the interpolated total on
    day t (which README calls it and which `case.total` is). That column matches exactly this way.
    """
    case, rows = _case(name), _reference(name)
    raw = _column(rows, "raw UNHCR refugee count")
    assert np.array_equal(raw, case.total[0] + case.data_in_camps)
    assert not np.allclose(raw, case.total, atol=1)


def test_total_is_the_interpolated_total_series() -> None:
    total = _case("mali2012").total  # refugees.csv: 2012-02-29 20075, 2012-03-07 25281
    assert total[0] == 20075 and total[7] == 25281
    assert total[1] == int(20075 + (1 / 7) * (25281 - 20075))  # truncated, as Flee's int()
    assert _case("burundi2015").total[0] == 12118  # between 2015-04-30 and 2015-05-15


def test_corrections_scale_observations_before_the_date() -> None:
    case = _case("mali2012")
    j = case.camps.index("Fassala-Mbera")
    # 17790 on 2012-02-29, scaled by 54028 (2012-12-31) / 103731 (2012-08-19, the one before)
    assert case.camp_data[0, j] == int(17790 * (54028 / 103731)) == 9265


def test_a_correction_before_the_start_is_ignored(broken: Path) -> None:
    corrections = broken / "input_csv" / "registration_corrections.csv"
    before = read_case(broken)
    corrections.write_text(corrections.read_text() + "Abala,2012-01-16,normalize\n")
    after = read_case(broken)
    assert after.corrections[-1] == ("Abala", dt.date(2012, 1, 16))
    assert np.array_equal(before.camp_data, after.camp_data)


def test_interpolation_holds_the_ends_and_truncates() -> None:
    days = np.array([0.0, 10.0])
    values = np.array([5.0, 10.0])
    got = interpolate(days, values, np.array([-3.0, 0.0, 1.0, 9.0, 10.0, 40.0]))
    assert got.tolist() == [5.0, 5.0, 5.0, 9.0, 10.0, 10.0]
    one = interpolate(np.array([3.0]), np.array([7.9]), np.array([0.0, 5.0]))
    assert one.tolist() == [7.0, 7.0]


# --- conflicts --------------------------------------------------------------------------------


def test_short_conflicts_file_holds_its_last_row(broken: Path) -> None:
    path = broken / "input_csv" / "conflicts.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:11]) + "\n")  # header and days 0..9
    case = read_case(broken)
    full = _case("mali2012")
    assert np.array_equal(case.conflicts[:10], full.conflicts[:10])
    assert (case.conflicts[10:] == case.conflicts[9]).all()


def test_locations_without_a_conflicts_column_are_never_in_conflict(broken: Path) -> None:
    path = broken / "input_csv" / "conflicts.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()]
    path.write_text("\n".join(",".join(r[:2]) for r in rows) + "\n")  # the day and Kidal only
    case = read_case(broken)
    kidal = case.location_index()["Kidal"]
    assert case.conflicts[:, kidal].all()
    assert not np.delete(case.conflicts, kidal, axis=1).any()


def test_conflict_values_are_read_as_intensities(broken: Path) -> None:
    path = broken / "input_csv" / "conflicts.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()]
    rows[1][1] = "0.25"  # Kidal on day 0
    rows[2][1] = "1e-7"  # Kidal on day 1: below Flee's threshold, no conflict
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    case = read_case(broken)
    kidal = case.location_index()["Kidal"]
    assert case.intensity[0, kidal] == 0.25 and case.conflicts[0, kidal]
    assert case.intensity[1, kidal] == 0 and not case.conflicts[1, kidal]
    assert np.array_equal(case.conflicts, case.intensity > 0)


# --- broken cases: pinned messages ------------------------------------------------------------


def test_missing_locations_file(broken: Path) -> None:
    (broken / "input_csv" / "locations.csv").unlink()
    with pytest.raises(FleeFormatError) as err:
        read_case(broken)
    assert str(err.value) == (
        f"{broken}/input_csv/locations.csv: no such file; a Flee case folder needs "
        "input_csv/locations.csv, input_csv/routes.csv, input_csv/conflicts.csv, "
        "input_csv/sim_period.csv and source_data/data_layout.csv "
        "(input_csv/closures.csv and input_csv/registration_corrections.csv are optional)"
    )
    assert isinstance(err.value, InputError)


def test_unknown_location_in_routes(broken: Path) -> None:
    path = broken / "input_csv" / "routes.csv"
    _edit(path, "Douentza,Mentao,487,0", "Douentza,Mentaoo,487,0")
    with pytest.raises(FleeFormatError) as err:
        read_case(broken)
    assert str(err.value) == (
        f"{path}, line 2, column 'name2': unknown location 'Mentaoo' "
        "(not a name in input_csv/locations.csv); did you mean 'Mentao'?"
    )


def test_bad_date_in_sim_period(broken: Path) -> None:
    path = broken / "input_csv" / "sim_period.csv"
    _edit(path, "2012-02-29", "2012-02-30")
    with pytest.raises(FleeFormatError) as err:
        read_case(broken)
    assert str(err.value) == (
        f"{path}, line 1, column 'StartDate': value '2012-02-30' is not accepted; "
        "accepted: dates as YYYY-MM-DD (e.g. 2012-02-29)"
    )


def test_bad_number_in_routes(broken: Path) -> None:
    path = broken / "input_csv" / "routes.csv"
    _edit(path, "Mopti,Mentao,360,0", "Mopti,Mentao,3x60,0")
    with pytest.raises(FleeFormatError) as err:
        read_case(broken)
    assert str(err.value) == (
        f"{path}, line 3, column 'distance': value '3x60' is not accepted; "
        "accepted: numbers (e.g. 12.5)"
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "input_csv/routes.csv",
            "Douentza,Mentao,487,0",
            "Douentza,Douentza,487,0",
            "line 2, column 'name2': a route from 'Douentza' to itself",
        ),
        (
            "input_csv/routes.csv",
            "Douentza,Mentao,487,0",
            "Douentza,Mentao,-487,0",
            "line 2, column 'distance': value '-487' is not accepted; accepted: distances in km",
        ),
        (
            "input_csv/routes.csv",
            "Douentza,Mentao,487,0",
            "Douentza,Mentao,487,3",
            "line 2, column 'forced_redirection': value '3' is not accepted; accepted: 0, 1, 2",
        ),
        (
            "input_csv/closures.csv",
            "country,Mali,Niger,0,33",
            "country,Mali,Nigeria,0,33",
            "line 3, column 'name2': unknown country 'Nigeria' (no location in "
            "input_csv/locations.csv is in it); did you mean 'Niger'?",
        ),
        (
            "input_csv/closures.csv",
            "country,Mali,Niger,0,33",
            "border,Mali,Niger,0,33",
            "line 3, column 'closure_type': unknown closure type 'border' (accepted: country, "
            "location, link, camp, idpcamp, remove_forced_redirection)",
        ),
        (
            "input_csv/conflicts.csv",
            " Timbuktu,",
            " Timbucktu,",
            "line 1, column 4: unknown location 'Timbucktu' (not a name in "
            "input_csv/locations.csv); did you mean 'Timbuktu'?",
        ),
        (
            "input_csv/conflicts.csv",
            "\n2, 1, 0,",
            "\n2, 1, x,",
            "line 4, column 'Gao': value 'x' is not accepted; accepted: numbers",
        ),
        (
            "input_csv/registration_corrections.csv",
            "Mentao,2012-10-03",
            "Menta,2012-10-03",
            "line 2, column 'camp': unknown location 'Menta' (not a name in "
            "input_csv/locations.csv); did you mean 'Mentao'?",
        ),
        (
            "input_csv/registration_corrections.csv",
            "Mentao,2012-10-03",
            "Mentao,2012-10-04",
            "line 2, column 'date': value '2012-10-04' is not accepted; accepted: one of "
            "Mentao's observation dates in bf-mentao.csv (nearest: 2012-10-03, 2012-10-16)",
        ),
        (
            "input_csv/registration_corrections.csv",
            "Mentao,2012-10-03",
            "Mopti,2012-10-03",
            "line 2, column 'camp': 'Mopti' has no series in source_data/data_layout.csv",
        ),
        (
            "source_data/data_layout.csv",
            "Niamey,nig-niamey.csv",
            "Niamy,nig-niamey.csv",
            "line 8, column 'name': unknown location 'Niamy' (not a name in "
            "input_csv/locations.csv); did you mean 'Niamey'?",
        ),
        (
            "source_data/bf-bobo.csv",
            "2012-03-24,950",
            "2012-03-24,95O",
            "line 3, column 'count': value '95O' is not accepted; accepted: numbers",
        ),
        (
            "source_data/bf-bobo.csv",
            "2012-03-24,950",
            "2012-03-20,950",
            "line 3, column 'date': date '2012-03-20' comes after 2012-03-21 in the file "
            "(refused with strict reading)",
        ),
        (
            "input_csv/locations.csv",
            "Kidal,Kidal,Mali,18.444305,",
            "Kidal,Kidal,Mali,18.44.4305,",
            "line 2, column 'latitude': value '18.44.4305' is not accepted; accepted: numbers",
        ),
    ],
)
def test_broken_cell_is_named(broken: Path, file: str, old: str, new: str, message: str) -> None:
    _edit(broken / file, old, new)
    with pytest.raises(FleeFormatError) as err:
        read_case(broken, strict=True)
    assert str(err.value).startswith(f"{broken / file}, {message}")


@pytest.mark.parametrize(
    ("file", "old", "new", "warning"),
    [
        (
            "input_csv/conflicts.csv",
            " Timbuktu,",
            " Solidarity,",
            "line 1, column 4: unknown location 'Solidarity' (not a name in "
            "input_csv/locations.csv); column ignored, as Flee does",
        ),
        (
            "input_csv/routes.csv",
            "Douentza,Mentao,487,0",
            "Douentza,Camp-Mentao,487,0",
            "line 2, column 'name2': location 'Camp-Mentao' is not in locations.csv; read as "
            "'Mentao', the same place spelled otherwise",
        ),
        (
            "source_data/bf-bobo.csv",
            "2012-03-24,950",
            "2012-03-20,950",
            "line 3, column 'date': date '2012-03-20' comes after 2012-03-21 in the file; put "
            "in date order",
        ),
        (
            "source_data/bf-bobo.csv",
            "2012-03-24,950",
            "2012-03-21,950",
            "line 3, column 'date': date '2012-03-21' given twice (first on line 2); count 950 "
            "of this later row kept",
        ),
        (
            "input_csv/registration_corrections.csv",
            "Mentao,2012-10-03",
            "Mopti,2012-10-03",
            "line 2, column 'camp': 'Mopti' has no series in source_data/data_layout.csv; "
            "correction ignored",
        ),
    ],
)
def test_a_quirk_flee_accepts_is_done_as_flee_does_and_named(
    broken: Path, file: str, old: str, new: str, warning: str
) -> None:
    _edit(broken / file, old, new)
    case = read_case(broken)
    assert any(w.startswith(f"{broken / file}, {warning}") for w in case.warnings), case.warnings


def test_a_location_listed_twice_is_kept_once_with_the_later_row(broken: Path) -> None:
    path = broken / "input_csv" / "locations.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    kidal = next(r for r in rows if r.startswith("Kidal,"))
    path.write_text("\n".join([*rows, kidal.replace("18.444305", "18.5")]) + "\n", encoding="utf-8")
    case = read_case(broken)
    assert [loc.name for loc in case.locations].count("Kidal") == 1
    assert case.locations[case.location_index()["Kidal"]].latitude == 18.5
    assert any("location 'Kidal' is listed twice" in w for w in case.warnings)
    with pytest.raises(FleeFormatError, match="refused with strict reading"):
        read_case(broken, strict=True)


def test_unsorted_observations_give_the_same_series_as_sorted_ones(broken: Path) -> None:
    before = read_case(broken).camp_data
    path = broken / "source_data" / "bf-bobo.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    path.write_text("\n".join([header, *reversed(body)]) + "\n", encoding="utf-8")
    after = read_case(broken)
    assert np.array_equal(after.camp_data, before)
    assert after.warnings


def test_unknown_location_type_is_kept(broken: Path) -> None:
    _edit(broken / "input_csv" / "locations.csv", ",town,,148456", ",marker,,148456")
    case = read_case(broken)
    assert case.locations[case.location_index()["Mopti"]].kind == "marker"
