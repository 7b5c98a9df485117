"""Python helpers of the community-operations warehouse.

Generator, Great Expectations runner, build and publish, benchmark, golden comparison.
"""
