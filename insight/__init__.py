"""Council insight: the engagement dashboard (``/insight/<council>/``) and the weekly digest.

The top layer: it reads check-ins, rewards and venues through their selectors and adds no
figures of its own beyond arranging them for people.
"""
