"""Rendering of stats: PNG charts (`reports.charts`) and the XLSX analytical report
(`reports.xlsx`, written by `reports.workbook`), pure functions of the plain data in
`reports.data`.

Nothing is imported here, so that code which only needs the data classes (storage, the
stats layer, the CLI) does not load matplotlib.
"""
