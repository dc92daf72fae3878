"""The DuckDB warehouse: schema, connections, idempotent month writes and the output files."""

from warehouse.db import connect, declared_columns, ensure_staging_table, replace_month, table_columns
from warehouse.files import (
    month_files,
    write_csv_atomic,
    write_text_atomic,
    write_xlsx_atomic,
)

__all__ = ["connect", "declared_columns", "ensure_staging_table", "month_files", "replace_month", "table_columns",
           "write_csv_atomic", "write_text_atomic", "write_xlsx_atomic"]
