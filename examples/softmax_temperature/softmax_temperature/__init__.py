"""Temperature sharpens or flattens softmax: an example mathviz explainer plugin."""
