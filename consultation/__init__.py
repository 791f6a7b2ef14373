"""Decision pre-disclosure: draft decisions open for comment, answers, adoption summaries."""
