"""Clearance: inspection orders and their findings (reassessment, supplementary bills), and
holds for goods matching a recorded intellectual-property right."""
