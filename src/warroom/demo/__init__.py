"""`warroom demo`: a whole incident against the local Slack sandbox."""
