-- An approved credit notice never changes (SPEC.md rule 11; 消費税法 Art. 57-4(4): a mistake is corrected by a
-- new notice). The database itself keeps it so: once approved, its number, figures, outage, approvals and
-- frozen documents can never be updated or deleted. It may only move to void, with who, when and why, and
-- have its discrepancy set or cleared. A void notice changes no more.
CREATE TRIGGER credit_notices_immutable BEFORE UPDATE ON credit_notices
WHEN OLD.status IN ('approved', 'void') AND (
  NEW.id IS NOT OLD.id OR NEW.claim_id IS NOT OLD.claim_id OR NEW.contract_id IS NOT OLD.contract_id
  OR NEW.customer_id IS NOT OLD.customer_id OR NEW.number IS NOT OLD.number
  OR NEW.credit_days IS NOT OLD.credit_days OR NEW.monthly_fee_base IS NOT OLD.monthly_fee_base
  OR NEW.amount IS NOT OLD.amount OR NEW.tax_rate_percent IS NOT OLD.tax_rate_percent
  OR NEW.tax_amount IS NOT OLD.tax_amount OR NEW.total_amount IS NOT OLD.total_amount
  OR NEW.billing_month IS NOT OLD.billing_month OR NEW.outage_start IS NOT OLD.outage_start
  OR NEW.outage_end IS NOT OLD.outage_end OR NEW.outage_clock_start IS NOT OLD.outage_clock_start
  OR NEW.outage_unavailable_ms IS NOT OLD.outage_unavailable_ms
  OR NEW.outage_incident_ids IS NOT OLD.outage_incident_ids OR NEW.computation IS NOT OLD.computation
  OR NEW.corrects_notice_id IS NOT OLD.corrects_notice_id OR NEW.approved_at IS NOT OLD.approved_at
  OR NEW.rejected_by IS NOT OLD.rejected_by OR NEW.rejected_at IS NOT OLD.rejected_at
  OR NEW.reject_reason IS NOT OLD.reject_reason OR NEW.withdrawal_code IS NOT OLD.withdrawal_code
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.status = 'void' AND (NEW.status IS NOT OLD.status OR NEW.discrepancy IS NOT OLD.discrepancy))
  OR (OLD.status = 'approved' AND NEW.status NOT IN ('approved', 'void'))
  OR (NEW.status IS OLD.status AND (NEW.voided_by IS NOT OLD.voided_by
    OR NEW.voided_at IS NOT OLD.voided_at OR NEW.void_reason IS NOT OLD.void_reason))
  OR (NEW.status = 'void' AND OLD.status = 'approved' AND (NEW.voided_at IS NULL
    OR NEW.voided_by IS NULL OR trim(coalesce(NEW.void_reason, '')) = ''))
)
BEGIN
  SELECT RAISE(ABORT, 'an approved credit notice never changes: it may only be voided, with its reason');
END;
--> statement-breakpoint
-- A notice becomes approved with its number and approval time, and only from pending approval.
CREATE TRIGGER credit_notices_approval_complete BEFORE UPDATE ON credit_notices
WHEN NEW.status = 'approved' AND OLD.status IS NOT 'approved'
  AND (OLD.status IS NOT 'pending-approval' OR NEW.number IS NULL OR NEW.approved_at IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'a credit notice is approved from pending approval, with its number and approval time');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notices_kept BEFORE DELETE ON credit_notices
WHEN OLD.status IN ('approved', 'void') OR OLD.number IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'an approved credit notice is never deleted');
END;
--> statement-breakpoint
-- Approvals are facts: never rewritten. A first approval of a notice not approved yet may be withdrawn when
-- a correction changes the figures it approved; an approved or void notice's approvals stay.
CREATE TRIGGER credit_notice_approvals_no_update BEFORE UPDATE ON credit_notice_approvals
BEGIN
  SELECT RAISE(ABORT, 'an approval is never rewritten');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_approvals_kept BEFORE DELETE ON credit_notice_approvals
WHEN (SELECT status FROM credit_notices WHERE id = OLD.notice_id) IN ('approved', 'void')
BEGIN
  SELECT RAISE(ABORT, 'the approvals of an approved credit notice are never deleted');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_approvals_pending_only BEFORE INSERT ON credit_notice_approvals
WHEN (SELECT status FROM credit_notices WHERE id = NEW.notice_id) IS NOT 'pending-approval'
BEGIN
  SELECT RAISE(ABORT, 'only a credit notice pending approval can be approved');
END;
--> statement-breakpoint
-- Frozen documents are write-once: stored for an approved (or void) notice, never changed or removed.
CREATE TRIGGER credit_notice_documents_no_update BEFORE UPDATE ON credit_notice_documents
BEGIN
  SELECT RAISE(ABORT, 'a frozen credit notice document never changes');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_documents_no_delete BEFORE DELETE ON credit_notice_documents
BEGIN
  SELECT RAISE(ABORT, 'a frozen credit notice document is never deleted');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_documents_of_approved BEFORE INSERT ON credit_notice_documents
WHEN (SELECT status FROM credit_notices WHERE id = NEW.notice_id) NOT IN ('approved', 'void')
BEGIN
  SELECT RAISE(ABORT, 'only an approved credit notice has frozen documents');
END;
--> statement-breakpoint
-- Numbers are consecutive: a year's counter only ever moves on by one, and is never removed.
CREATE TRIGGER credit_notice_numbers_consecutive BEFORE UPDATE ON credit_notice_number_sequences
WHEN NEW.year IS NOT OLD.year OR NEW.last_number IS NOT OLD.last_number + 1
BEGIN
  SELECT RAISE(ABORT, 'credit notice numbers move on by one, with no gap');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_numbers_kept BEFORE DELETE ON credit_notice_number_sequences
BEGIN
  SELECT RAISE(ABORT, 'credit notice numbers are never given back');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notice_numbers_start_at_one BEFORE INSERT ON credit_notice_number_sequences
WHEN NEW.last_number IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'a year''s credit notice numbers start at 1');
END;
