"""Stats and KPIs: the municipal indicators for a scope and period (`kpis`, `service`), the
facts and activity behind them, targets, periods, headcounts, and best practices.
"""
