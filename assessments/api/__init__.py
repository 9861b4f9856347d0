"""Assessments API (API.md "Assessments"). Thin views over services and selectors.

Learner-facing output is built from whitelists (``public_question``, the feedback in
``attempts``): correct answers, tolerances, flag hashes and salts never leave the
server.

``assessments`` serves the assessment resource (list, detail, authoring),
``attempts`` the attempt flow and results, ``manual_grading`` the essay grading and
its queue, ``proctoring`` the proctored session; ``urls`` routes them.
"""
