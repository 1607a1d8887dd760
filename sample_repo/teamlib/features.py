"""Feature engineering shared by the team's notebooks."""
import pandas as pd


def add_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Add price-per-unit and margin columns."""
    out = df.copy()
    out["unit_price"] = out["revenue"] / out["units"]
    out["margin"] = (out["revenue"] - out["cost"]) / out["revenue"]
    return out


def rolling_revenue(df: pd.DataFrame, days: int = 7) -> pd.Series:
    """Revenue summed over a trailing window of days."""
    return df.set_index("date")["revenue"].rolling(f"{days}D").sum()
