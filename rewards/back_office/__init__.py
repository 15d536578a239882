"""What the rewards' back-office pages share (see `rewards.back_office.admin`)."""
