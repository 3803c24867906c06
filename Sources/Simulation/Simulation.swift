/// Online simulation: the logged ratings replayed as a live stream, policies and learners, arm bandits,
/// A/B statistics and off-policy estimators.
public enum Simulation {}
