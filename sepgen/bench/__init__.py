"""Benchmarks: the peers, the workload suites, the MetaSchedule peer, reports and plots, and the accuracy/speed trade-off.
"""
