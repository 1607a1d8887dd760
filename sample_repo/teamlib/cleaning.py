"""Cleaning steps every analysis starts with."""
import pandas as pd


def drop_empty_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Drop columns with no values at all (edited by hand: also drop all-empty rows)."""
    return df.dropna(axis="columns", how="all").dropna(how="all")


def normalise_names(df: pd.DataFrame) -> pd.DataFrame:
    """snake_case column names: 'Unit Price' -> 'unit_price'."""
    return df.rename(columns=lambda c: c.strip().lower().replace(" ", "_"))
