-- Year-over-year change of each tenant's total emissions. A year without a prior year
-- has NULL prior/change; a prior year of zero has a NULL percentage.
WITH yearly AS (
  SELECT tenant_id, year, SUM(total_kg_co2e) AS total_kg_co2e
  FROM gluelake_dev_gold.emissions_monthly
  GROUP BY tenant_id, year
)
SELECT
  cur.tenant_id,
  cur.year,
  cur.total_kg_co2e,
  prev.total_kg_co2e AS prior_year_kg_co2e,
  cur.total_kg_co2e - prev.total_kg_co2e AS change_kg_co2e,
  ROUND(
    100 * CAST(cur.total_kg_co2e - prev.total_kg_co2e AS DOUBLE)
      / NULLIF(CAST(prev.total_kg_co2e AS DOUBLE), 0),
    2
  ) AS change_pct
FROM yearly AS cur
LEFT JOIN yearly AS prev
  ON prev.tenant_id = cur.tenant_id AND prev.year = cur.year - 1
ORDER BY cur.tenant_id, cur.year
