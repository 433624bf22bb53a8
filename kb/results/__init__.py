"""Results that papers report (FID against NFE …): the names they may use, and the rows."""
