"""Mentor training and webinars (обучение наставников, график вебинаров): scheduling a session
for an organisation or a coordinator's scope (`service`), the rules its fields follow
(`rules`), invitations, answers and attendance (`answers`), the reminders, the start-of-session
check and the materials (`planning`), and who is trained this school year (`status`)."""
