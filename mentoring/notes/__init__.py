"""Notes from third parties on a mentee's needs (сбор информации о запросах наставляемых от
третьих лиц): the curator's request, the consent of the mentee (and of a minor's parent) it
rests on (`consent`), the note written through a one-time link or entered by the curator
(`writing`), and who may read it (`access`, the one place that rule lives)."""
