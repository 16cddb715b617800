"""Writes the extra data files of the script fault set (run once; the CSVs are committed beside it).

- loans.csv: loan applications in their natural units (age in years, income and amounts in
  dollars) and whether the loan defaulted.
- house_prices.csv: house features and sale prices in dollars.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def loans() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 1500
    frame = pd.DataFrame({
        "age": rng.integers(21, 70, n),
        "income": rng.normal(65_000, 25_000, n).clip(12_000).round(-2),
        "loan_amount": rng.gamma(2.0, 8_000, n).round(-1),
        "credit_lines": rng.poisson(4, n),
        "years_employed": rng.exponential(6, n).round(1),
    })
    score = (1.2 * (frame.loan_amount / frame.income) * 4 - 0.04 * (frame.age - 45)
             + 0.25 * (frame.credit_lines - 4) - 0.15 * frame.years_employed)
    frame["defaulted"] = (score + rng.normal(0, 0.5, n) > 0.0).astype(int)
    return frame


def house_prices() -> pd.DataFrame:
    rng = np.random.default_rng(22)
    n = 1200
    frame = pd.DataFrame({
        "area_m2": rng.normal(120, 35, n).clip(35).round(1),
        "rooms": rng.integers(1, 8, n),
        "age_years": rng.integers(0, 80, n),
        "distance_km": rng.exponential(8, n).round(2),
        "garden": rng.integers(0, 2, n),
    })
    price = (2_600 * frame.area_m2 + 12_000 * frame.rooms - 1_500 * frame.age_years
             - 6_000 * frame.distance_km + 25_000 * frame.garden + 60_000)
    frame["price"] = (price.clip(40_000) * rng.lognormal(0, 0.08, n)).round(-2)
    return frame


if __name__ == "__main__":
    loans().to_csv(HERE / "loans.csv", index=False)
    house_prices().to_csv(HERE / "house_prices.csv", index=False)
