"""The `migdip` command line: one thin client of the library."""

from __future__ import annotations

import typer

from migdip.cli import atlas, data, impact, indicators, negotiate, serve, sim, tour

app = typer.Typer(
    name="migdip",
    help="migdip: an open toolkit for migration diplomacy.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(atlas.app, name="atlas")
app.add_typer(data.app, name="data")
app.add_typer(indicators.app, name="indicators")
app.add_typer(sim.app, name="sim")
app.command("dyad")(indicators.dyad_cmd)
app.command("leverage")(indicators.leverage_cmd)
app.command("country")(indicators.country_cmd)
app.command("impact")(impact.impact_cmd)
app.command("negotiate")(negotiate.negotiate_cmd)
app.command("labour")(negotiate.labour_cmd)
app.command("tour")(tour.tour_cmd)
app.command("migrations")(tour.migrations_cmd)
app.command("serve")(serve.serve_cmd)


def main() -> None:
    app()
