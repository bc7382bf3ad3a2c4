"""For teachers: the lessons in order, what the class should see, questions to ask, and a link to each."""
from urllib.parse import urlencode

import streamlit as st

from gantoy.lessons import course

st.title("Teaching with gantoy")
st.markdown("A lesson order for one or two class hours. Each link opens a new session of the lab in that lesson; "
            "the ones marked **predict, then run** open in lesson mode: only Train, speed and the timeline, and "
            "questions the class answers before training goes on — at the end, each prediction is shown next to "
            "what happened, from the run's own numbers. Make your own from any lab with **Make a lesson link**.")
root = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]
for n, step in enumerate(course.COURSE, 1):
    quiz = "quiz" in step.params
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        c1.markdown(f"**{n}. {step.title}**" + (" — *predict, then run*" if quiz else ""))
        url = f"{root}/{step.page}" + (("?" + urlencode(step.params, doseq=True)) if step.params else "")
        c2.link_button("Open the lesson", url, width="stretch")
        st.markdown(f"*What the class should see:* {step.observe}")
        st.markdown("*Ask:* " + " ".join(f"({i}) {q}" for i, q in enumerate(step.ask, 1)))
