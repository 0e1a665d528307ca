"""edXML packages of QCVN 102:2016 (gói tin văn bản điện tử) for the document exchange.

Modules: ``model`` (typed content), ``builder`` (write), ``parser`` (safe read + verify),
``signature`` (XML-DSig of the sending organisation), ``status`` (status code table),
``mapping`` (documents app ↔ edXML), ``packages`` (signed bytes for the documents app),
``conf`` (settings; the UNCONFIRMED code tables), ``errors`` (coded refusals).

The documents app uses it through ``documents.services.exchange_hooks`` (sending) and
``documents.services.exchange_receive`` (receiving).
"""
