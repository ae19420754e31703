"""What deals did: impact estimators, the placebo study, flow checks, report sections."""
