"""Sample data: a synthetic town's partner extracts in the contract's layouts, messy as in life, with the
ground truth for measuring matching accuracy (`generate`)."""

from sample_data.generator import GenerationSummary, generate
from sample_data.options import Formats, MessRates, SourceFormat, SourceMess

__all__ = ["Formats", "GenerationSummary", "MessRates", "SourceFormat", "SourceMess", "generate"]
