-- Claims follow explicit outage facts (rule 11): fill them from the Outage JSON each stored claim carries.
-- An ongoing outage was known up to the claim's last change, which is when that JSON was computed.
UPDATE `claims` SET
  `outage_end` = CASE WHEN json_extract(`outage`, '$.end') IS NULL THEN NULL
    ELSE CAST(round(unixepoch(json_extract(`outage`, '$.end'), 'subsec') * 1000) AS INTEGER) END,
  `outage_known_up_to` = `updated_at`,
  `outage_clock_start` = CASE WHEN json_extract(`outage`, '$.clockStart') IS NULL THEN NULL
    ELSE CAST(round(unixepoch(json_extract(`outage`, '$.clockStart'), 'subsec') * 1000) AS INTEGER) END,
  `outage_qualifies` = json_extract(`outage`, '$.qualifies'),
  `outage_unavailable_ms` = json_extract(`outage`, '$.unavailableMs'),
  `outage_credit_days` = json_extract(`outage`, '$.creditDays'),
  `outage_monthly_fee_base` = json_extract(`outage`, '$.monthlyFeeBase'),
  `outage_credit_amount` = json_extract(`outage`, '$.creditAmount'),
  `outage_claimable_from` = json_extract(`outage`, '$.claimableFrom'),
  `outage_claim_deadline` = json_extract(`outage`, '$.claimDeadline'),
  `outage_incident_ids` = json_extract(`outage`, '$.incidentIds')
WHERE `outage` IS NOT NULL;
--> statement-breakpoint
-- A correction's rejection was stored as words only: keep its code (and parameters), the words are rendered.
UPDATE `claims` SET
  `resolution_code` = 'merged',
  `resolution_params` = json_object('intoClaimId',
    substr(`resolution`, length('a correction merged its outage into the outage of claim ') + 1)),
  `resolution` = NULL
WHERE `status` = 'rejected' AND `resolved_by` IS NULL
  AND `resolution` LIKE 'a correction merged its outage into the outage of claim %';
--> statement-breakpoint
UPDATE `claims` SET `resolution_code` = 'removed', `resolution` = NULL
WHERE `status` = 'rejected' AND `resolved_by` IS NULL AND `resolution` = 'a correction removed its outage';
--> statement-breakpoint
UPDATE `claims` SET `resolution_code` = 'no-longer-qualifies', `resolution` = NULL
WHERE `status` = 'rejected' AND `resolved_by` IS NULL
  AND `resolution` LIKE 'after a correction the outage no longer qualifies%';
