import { describeLaws } from "./operationalLaws.js";

describeLaws(0, 3);
