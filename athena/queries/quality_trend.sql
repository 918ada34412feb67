-- Data-quality trend over the last 30 days: expectations evaluated, failed and the
-- success rate per validation day, dataset and zone. The filter on validation_date
-- limits the partitions Athena's projection lists.
SELECT
  validation_date,
  dataset,
  zone,
  COUNT(DISTINCT run_id) AS runs,
  COUNT(*) AS expectations,
  COUNT_IF(NOT success) AS failed,
  ROUND(100.0 * COUNT_IF(success) / COUNT(*), 2) AS success_pct
FROM gluelake_dev_quality.quality_results
WHERE validation_date >= date_format(current_date - INTERVAL '30' DAY, '%Y-%m-%d')
GROUP BY validation_date, dataset, zone
ORDER BY validation_date, dataset, zone
