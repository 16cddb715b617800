"""implement_architecture: build a model, fit it to a parameter budget, prove it trains, measure it."""
