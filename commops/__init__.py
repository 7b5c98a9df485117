"""Python helpers of the community-operations warehouse: generator, GX runner, benchmark, reports."""
