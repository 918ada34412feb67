-- Monthly emissions by tenant and GHG scope, in kg and tonnes CO2e.
-- Run in Athena on dev as is; locally: gluelake query athena/queries/monthly_emissions_by_tenant_scope.sql
SELECT
  tenant_id,
  scope,
  year,
  month,
  SUM(total_kg_co2e) AS total_kg_co2e,
  ROUND(CAST(SUM(total_kg_co2e) AS DOUBLE) / 1000, 3) AS total_t_co2e,
  SUM(record_count) AS records
FROM gluelake_dev_gold.emissions_monthly
GROUP BY tenant_id, scope, year, month
ORDER BY tenant_id, scope, year, month
