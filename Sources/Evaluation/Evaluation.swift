// Evaluation: ranking metrics and evaluation protocols.
