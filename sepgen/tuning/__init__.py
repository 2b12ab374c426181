"""Tuning: MetaSchedule over the templates' knobs (XGBoost cost model), the log database, checks and re-timing of
records, replay, RPC measurement, and the machine's roofline.
"""
