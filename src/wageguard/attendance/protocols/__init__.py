"""Wire formats of gate devices: ZKTeco PUSH/ADMS (``zkteco``) and Hikvision ISAPI (``hikvision``)."""
