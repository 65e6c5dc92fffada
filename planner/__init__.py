"""planner: turn a learning roadmap into a study plan you follow, in the terminal."""

__version__ = "0.1.0"
