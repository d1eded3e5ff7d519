"""Agencies cross-verifying on the E-Ledger: banks' forex receipts matched to exports by the
forex agency, export VAT refunds checked by the tax agency, and every such check recorded."""
