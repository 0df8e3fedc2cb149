from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "parcours.instruments"
    verbose_name = _("Instruments")

    def ready(self):
        from parcours.cases import figures, tallies
        from parcours.casework.due import COLLECTORS
        from parcours.instruments import tallies as answer_tallies
        from parcours.instruments.due import sheets
        from parcours.instruments.figures import (
            baseline_differences,
            contribute,
            keep_baseline_scores,
            keep_latest_sheets,
            latest_sheet_differences,
        )

        if sheets not in COLLECTORS:
            COLLECTORS.append(sheets)
        figures.contributes(contribute)
        figures.keeps(figures.Kept("instruments", keep_baseline_scores, baseline_differences))
        figures.keeps(figures.Kept("instruments", keep_latest_sheets, latest_sheet_differences))
        tallies.counts(
            tallies.Counts(answer_tallies.fold, answer_tallies.check, answer_tallies.rebuild)
        )
