"""Self-inspection (自查): the indicators of 《政府网站与政务新媒体检查指标》 this service can see
(docs/inspection.md)."""
