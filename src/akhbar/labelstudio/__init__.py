"""Label Studio: the local server, the labeling configs, pushing tasks and pulling annotations back."""
