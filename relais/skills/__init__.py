"""Recognising the professional skills agents showcase in their posts, against a skills framework.

``framework`` loads a framework (Relais's own French public-service framework, ESCO or ROME) into
``Skill`` records; ``matcher`` finds their surface forms in post text with one Aho-Corasick
automaton; ``evaluate`` measures precision and recall on a labelled set of posts.
"""
