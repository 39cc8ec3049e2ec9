"""Letters and notices: the shipped templates and what they need."""
