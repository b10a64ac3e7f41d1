"""Domain logic with no Qt and no SQL: plain functions tested on their own."""
