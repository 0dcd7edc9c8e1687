import PacerCore
