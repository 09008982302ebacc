"""TutorBot benchmarks: `python -m bench` prints one JSON object per line."""
