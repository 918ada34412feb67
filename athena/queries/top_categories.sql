-- The ten emission categories with the largest totals over all tenants and months.
SELECT
  category,
  scope,
  SUM(total_kg_co2e) AS total_kg_co2e,
  COUNT(DISTINCT tenant_id) AS tenants,
  SUM(record_count) AS records
FROM gluelake_dev_gold.emissions_monthly
GROUP BY category, scope
ORDER BY total_kg_co2e DESC, category, scope
LIMIT 10
