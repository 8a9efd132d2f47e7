"""Request plumbing both blueprints share.

Extensions, security headers, error pages, fingerprinted assets, languages, template
filters, the quiz-taking pages and their forms, and the share card. It may import from
store and core, never from public or admin.
"""
